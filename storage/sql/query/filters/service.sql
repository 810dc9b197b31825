AND ServiceName = {service:String}
