"""Resource groups of ``MiniMaxClient``: one module per part of the API spec."""
