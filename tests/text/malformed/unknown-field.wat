(module
  (funky))
