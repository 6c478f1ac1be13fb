(module (func block else end))
