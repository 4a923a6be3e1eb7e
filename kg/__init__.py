"""battery-kg: a knowledge graph of the battery industry."""
