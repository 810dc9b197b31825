AND has(Keys, cityHash64('pair', {pairService:String}, {pairOperation:String}))
