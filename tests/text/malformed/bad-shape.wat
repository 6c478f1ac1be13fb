(module (func (drop (v128.const i8x15 0))))
