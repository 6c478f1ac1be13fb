(module (func) (import "m" "f" (func)))
