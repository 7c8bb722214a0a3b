"""The Procountor sandbox simulator (exports.sandbox.procountor.app)."""
from .app import ProcountorSimulator, create_simulator
from .options import ProcountorOptions

__all__ = ["ProcountorOptions", "ProcountorSimulator", "create_simulator"]
