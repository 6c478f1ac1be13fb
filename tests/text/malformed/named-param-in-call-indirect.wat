(module (table 1 funcref) (func (call_indirect (param $x i32) (i32.const 0) (i32.const 0))))
