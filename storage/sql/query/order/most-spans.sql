spanCount DESC, startNs DESC
