(module (func (local.get $x) drop))
