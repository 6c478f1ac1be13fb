(module (func (result f32) (f32.const 1e39)))
