// placeholder until the facade lands
