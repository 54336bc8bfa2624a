"""MiniMax Studio: a desktop studio for the useapi.net MiniMax API v1."""

__version__ = "0.1.0"
APP_NAME = "MiniMax Studio"
APP_ID = "minimax-studio"
