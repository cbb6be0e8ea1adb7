"""Qt-free feedback engine: key-point coverage with evidence, timing and delivery, tips."""
