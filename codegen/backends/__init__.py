"""Backends: the one seam between codegen and a language model (see ``base.Backend``)."""
