"""Typed async client for the useapi.net MiniMax API v1 (httpx + pydantic, no Qt)."""
