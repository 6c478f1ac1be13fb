(module (func (export "a\q")))
