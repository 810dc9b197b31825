AND has(Keys, cityHash64('service', {service:String}))
