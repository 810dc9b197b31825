errorCount DESC, startNs DESC
