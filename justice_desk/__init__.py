"""Justice Desk: registers, cases, meetings and sync for Thailand's Community Justice Centers."""

__version__ = "0.1.0"
