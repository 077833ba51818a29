// Entry point of the `daydream` executable (placeholder until the subcommands land).
int main() { return 0; }
