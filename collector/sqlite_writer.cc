// sqlite_writer: implementation in progress
