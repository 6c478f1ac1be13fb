(module (export "f
