startNs DESC
