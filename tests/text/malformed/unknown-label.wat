(module (func (block (br $out))))
