"""Placeholder until this part of the service is written; it adds no routes."""


def routes(state):
    return []
