from . import rpc_boundary
