# expect: F009
def title(event):
    return "no rule function here"
