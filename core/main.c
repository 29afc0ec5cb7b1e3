/* Placeholder entry point; replaced by the real one (core/main.c) shortly. */
int main(void) { return 0; }
