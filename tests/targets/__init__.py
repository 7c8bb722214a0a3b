"""Throwaway targets: each package here declares a Target of its own and is registered by the contract
suite, to prove that a new target needs its folder and nothing else."""
