(module
  (func (call $nowhere)))
