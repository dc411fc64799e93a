def rule(event):
    return 'ÿ' == 1
