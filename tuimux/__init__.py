"""tuimux: a terminal client for tmux that speaks control mode, locally or over SSH."""

__version__ = "0.1.0"
