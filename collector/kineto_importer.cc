// kineto_importer: implementation in progress
