AND StatusCode = {status:String}
