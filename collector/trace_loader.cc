// trace_loader: implementation in progress
