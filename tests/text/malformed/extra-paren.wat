(module)
)
