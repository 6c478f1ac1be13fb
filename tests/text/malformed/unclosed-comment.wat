(module (; never ends
