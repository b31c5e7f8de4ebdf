/// <reference types="vite/client" />
// Types of what Vite handles at build time (CSS imports, import.meta.env) for the board's code.
