(module (func (export "f")"g"))
