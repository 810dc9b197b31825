USE otel;
