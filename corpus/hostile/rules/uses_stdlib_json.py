import json

def rule(event):
    return bool(json.dumps([1]) == '[1]')
