// Placeholder entry point; the host is built under issue 5.
return 0;
