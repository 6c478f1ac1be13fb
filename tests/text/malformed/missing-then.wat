(module (func (if (i32.const 1) (i32.const 2))))
