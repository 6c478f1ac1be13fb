(module (func) {)
