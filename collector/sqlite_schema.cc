// sqlite_schema: implementation in progress
