// Nothing: the floor benchmark (bench/boot.ts) times starting an empty Bun executable.
