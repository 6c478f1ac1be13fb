(module (func (result f32) (f32.const nan:0x800000)))
