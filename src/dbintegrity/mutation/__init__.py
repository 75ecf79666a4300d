"""The mutation self-test: break a pack's schema on purpose and show that the gate notices.

``operators`` are the ways a schema is broken (a dropped CHECK, a changed foreign-key action, a view's
changed filter, ...), each spelled per engine by the engine's own mutations module; ``run`` applies each
mutant to a copy of the pack and runs the gate against it.
"""
