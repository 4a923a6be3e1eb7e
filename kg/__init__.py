"""battery-kg: a knowledge graph of the battery industry."""

# The Python API (kg.graph) is imported on first use, so `import kg.errors` and friends stay light.
_API = ("load", "KnowledgeGraph", "Entity", "EntityRecord", "Fact", "ControlLink", "Neighbor", "Rows", "Limits")
__all__ = list(_API)


def __getattr__(name: str) -> object:
    if name in _API:
        from . import graph

        return getattr(graph, name)
    raise AttributeError(f"module 'kg' has no attribute {name!r}")
