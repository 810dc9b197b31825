AND has(Keys, cityHash64('operation', {operation:String}))
