def rule(event):
    return bool(event.get('action') == 'go')
