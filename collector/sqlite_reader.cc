// sqlite_reader: implementation in progress
