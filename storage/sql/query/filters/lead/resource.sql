-- The search's leading equality, on the span's resource's attributes.
AND mapContains(ResourceAttributes, {leadKey:String}) AND ResourceAttributes[{leadKey:String}] = {leadValue:String}
